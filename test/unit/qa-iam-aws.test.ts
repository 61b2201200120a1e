// Held-out-style QA cases for the AWS IAM detector (fixtures in test/fixtures/qa/iam-aws): SAM
// templates, resource policies, merged Terraform policy documents, production accounts.
import { describeCases } from './qa-cases';

describeCases('iam-aws');
