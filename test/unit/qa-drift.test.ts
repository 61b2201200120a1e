// Held-out-style QA cases for the drift detectors (fixtures in test/fixtures/qa/drift).
import { describeCases } from './qa-cases';

describeCases('drift');
