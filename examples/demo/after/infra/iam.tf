# Deploy role for the payments service: may read its artefact bucket and nothing else.
resource "aws_iam_policy" "payments_deploy" {
  name        = "payments-deploy"
  description = "CI deploys the payments service"

  # The assistant "fixed" an AccessDenied in the deploy job by widening the grant.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadArtifacts"
        Effect   = "Allow"
        Action   = "*"
        Resource = "*"
      },
    ]
  })
}
