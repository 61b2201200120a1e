// Held-out-style QA cases for the endpoint detectors (fixtures in test/fixtures/qa/endpoint).
import { describeCases } from './qa-cases';

describeCases('endpoint');
