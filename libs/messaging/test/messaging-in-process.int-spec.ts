import { describeMessagingSuite } from './messaging-suite';

describeMessagingSuite('in-process');
