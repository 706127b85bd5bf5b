import { describeLiveExport } from './liveScenario';

describeLiveExport('caddy');
