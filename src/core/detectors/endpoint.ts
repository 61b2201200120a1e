// Production endpoints in new or changed string values (endpoint/*).
import type { Detector } from './detector';

export const endpointDetector: Detector = {
  family: 'endpoint',
  rules: [
    { id: 'endpoint/production-host', category: 'endpoint', defaultSeverity: 'high', title: 'Points at a production host' },
  ],
  run() {
    return [];
  },
};
