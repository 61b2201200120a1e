# Deploy role for the payments service: may read its artefact bucket and nothing else.
resource "aws_iam_policy" "payments_deploy" {
  name        = "payments-deploy"
  description = "CI deploys the payments service"

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "ReadArtifacts"
        Effect = "Allow"
        Action = [
          "s3:GetObject",
          "s3:ListBucket",
        ]
        Resource = [
          "arn:aws:s3:::acme-payments-artifacts",
          "arn:aws:s3:::acme-payments-artifacts/*",
        ]
      },
    ]
  })
}
