import { describeMessagingSuite } from './messaging-suite';

describeMessagingSuite('kafka');
