// Held-out-style QA cases for the permissions detectors (fixtures in test/fixtures/qa/permissions).
import { describeCases } from './qa-cases';

describeCases('permissions');
