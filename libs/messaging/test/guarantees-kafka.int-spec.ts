import { describeGuaranteesSuite } from './guarantees-suite';

describeGuaranteesSuite('kafka');
