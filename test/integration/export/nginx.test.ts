import { describeLiveExport } from './liveScenario';

describeLiveExport('nginx');
