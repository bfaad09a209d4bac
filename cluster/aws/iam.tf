data "aws_iam_policy_document" "ec2_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

# The head reads and writes the whole bucket: data it prepares, the registry, cleanup, and
# keys/ (it publishes keys/head.pub, mirrors keys/authorized/ and deletes gone workers' keys).
data "aws_iam_policy_document" "head" {
  statement {
    sid       = "ListBucket"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [aws_s3_bucket.artifacts.arn]
  }
  statement {
    sid       = "ReadWriteObjects"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = ["${aws_s3_bucket.artifacts.arn}/*"]
  }
  # rung-keys-sync asks which workers still exist (DescribeInstances takes no resource ARN).
  statement {
    sid       = "FindLiveWorkers"
    actions   = ["ec2:DescribeInstances"]
    resources = ["*"]
  }
}

# Workers read prepared data and write (and read back) their trials' models and checkpoints.
data "aws_iam_policy_document" "worker" {
  statement {
    sid       = "ListDataAndTrials"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.artifacts.arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${local.prefix}/data/*", "${local.prefix}/trials/*"]
    }
  }
  statement {
    sid       = "ReadData"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.artifacts.arn}/${local.prefix}/data/*"]
  }
  statement {
    sid       = "WriteTrialArtifacts"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"]
    resources = ["${aws_s3_bucket.artifacts.arn}/${local.prefix}/trials/*"]
  }
  # CURVE keys: a worker reads the head's public key and publishes its own, under the one
  # name its credentials allow: aws:userid, which for an instance role is
  # "<role id>:<instance id>". So a worker can neither replace another's key nor add a
  # second one; rung-keys-sync on the head accepts only names of this role's id.
  statement {
    sid       = "ReadHeadPublicKey"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.artifacts.arn}/keys/head.pub"]
  }
  statement {
    sid       = "PublishOwnPublicKey"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.artifacts.arn}/keys/authorized/$${aws:userid}.pub"]
  }
}

resource "aws_iam_role" "head" {
  name               = "${var.name}-head"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
}

resource "aws_iam_role_policy" "head" {
  name   = "${var.name}-head-artifacts"
  role   = aws_iam_role.head.id
  policy = data.aws_iam_policy_document.head.json
}

# With RDS: the head reads the store's password from Secrets Manager.
data "aws_iam_policy_document" "head_db_secret" {
  count = var.enable_postgres ? 1 : 0
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_db_instance.store[0].master_user_secret[0].secret_arn]
  }
}

resource "aws_iam_role_policy" "head_db_secret" {
  count  = var.enable_postgres ? 1 : 0
  name   = "${var.name}-head-db-secret"
  role   = aws_iam_role.head.id
  policy = data.aws_iam_policy_document.head_db_secret[0].json
}

resource "aws_iam_role" "worker" {
  name               = "${var.name}-worker"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
}

resource "aws_iam_role_policy" "worker" {
  name   = "${var.name}-worker-artifacts"
  role   = aws_iam_role.worker.id
  policy = data.aws_iam_policy_document.worker.json
}

# Session Manager shell access without opening SSH.
resource "aws_iam_role_policy_attachment" "head_ssm" {
  role       = aws_iam_role.head.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_role_policy_attachment" "worker_ssm" {
  role       = aws_iam_role.worker.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "head" {
  name = "${var.name}-head"
  role = aws_iam_role.head.name
}

resource "aws_iam_instance_profile" "worker" {
  name = "${var.name}-worker"
  role = aws_iam_role.worker.name
}
