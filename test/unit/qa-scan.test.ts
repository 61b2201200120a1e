// Held-out-style QA cases for the scan detectors (fixtures in test/fixtures/qa/scan).
import { describeCases } from './qa-cases';

describeCases('scan');
