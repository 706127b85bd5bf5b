import { describeLiveExport } from './liveScenario';

describeLiveExport('haproxy');
