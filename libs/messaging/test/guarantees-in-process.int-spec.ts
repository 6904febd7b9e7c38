import { describeGuaranteesSuite } from './guarantees-suite';

describeGuaranteesSuite('in-process');
