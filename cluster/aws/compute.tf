locals {
  install = templatefile("${path.module}/templates/install-rung.sh.tftpl", {
    git_url      = var.rung_git_url
    rung_version = var.rung_version
    release_url  = var.rung_release_url
  })

  # With RDS the URL holds no password: the head's rung-pgpass writes it from Secrets Manager
  # into PGPASSFILE=/etc/rung/pgpass (mode 0600) at boot and keeps it current.
  db_url        = var.enable_postgres ? "postgresql://rung@${aws_db_instance.store[0].endpoint}/rung?sslmode=require" : "sqlite:/var/lib/rung/rung.db"
  db_secret_arn = var.enable_postgres ? aws_db_instance.store[0].master_user_secret[0].secret_arn : ""

  # The workers' autoscaling group, named here so that the head can find its instances
  # (rung-keys-sync unpublishes the keys of workers that are gone) without a cycle.
  worker_asg = "${var.name}-workers"
}

# The head: search, scheduling and the store. Its private address is baked into the workers'
# launch template, so replacing the head rolls the workers (see README.md).
resource "aws_instance" "head" {
  ami                    = local.ami_id
  instance_type          = var.head_instance_type
  subnet_id              = local.subnet_ids[0]
  vpc_security_group_ids = [aws_security_group.head.id]
  iam_instance_profile   = aws_iam_instance_profile.head.name
  key_name               = var.ssh_key_name != "" ? var.ssh_key_name : null

  metadata_options {
    http_tokens   = "required"
    http_endpoint = "enabled"
  }

  root_block_device {
    volume_size = var.head_volume_gb
    volume_type = "gp3"
    encrypted   = true
  }

  # Gzipped: with the helper units it carries, the script is close to EC2's 16 KB limit;
  # cloud-init unpacks it.
  user_data_replace_on_change = true
  user_data_base64 = base64gzip(templatefile("${path.module}/templates/head.sh.tftpl", {
    install                = local.install
    head_port              = var.head_port
    nightly                = var.nightly
    region                 = var.region
    bucket                 = aws_s3_bucket.artifacts.bucket
    worker_role_id         = aws_iam_role.worker.unique_id
    worker_asg             = local.worker_asg
    auto_authorize_workers = var.auto_authorize_workers
    db_secret_arn          = local.db_secret_arn
    keys_sync_sh           = trimspace(file("${path.module}/files/rung-keys-sync.sh"))
    keys_sync_service      = trimspace(file("${path.module}/files/rung-keys-sync.service"))
    keys_sync_timer        = trimspace(file("${path.module}/files/rung-keys-sync.timer"))
    pgpass_sh              = trimspace(file("${path.module}/files/rung-pgpass.sh"))
    pgpass_service         = trimspace(file("${path.module}/files/rung-pgpass.service"))
    pgpass_timer           = trimspace(file("${path.module}/files/rung-pgpass.timer"))
    env = trimspace(templatefile("${path.module}/templates/rung.env.tftpl", {
      head_ip   = "0.0.0.0" # replaced by the instance's own address at boot
      head_port = var.head_port
      db_url    = local.db_url
      pgpass    = var.enable_postgres
      bucket    = aws_s3_bucket.artifacts.bucket
      prefix    = local.prefix
      region    = var.region
    }))
  }))

  tags = {
    Name = "${var.name}-head"
    Role = "rung-head"
  }
}

data "aws_ec2_instance_type" "worker" {
  instance_type = var.worker_instance_type
}

resource "aws_launch_template" "worker" {
  name_prefix            = "${var.name}-worker-"
  image_id               = local.ami_id
  instance_type          = var.worker_instance_type
  key_name               = var.ssh_key_name != "" ? var.ssh_key_name : null
  vpc_security_group_ids = [aws_security_group.worker.id]
  update_default_version = true

  iam_instance_profile {
    arn = aws_iam_instance_profile.worker.arn
  }

  metadata_options {
    http_tokens   = "required"
    http_endpoint = "enabled"
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = var.worker_volume_gb
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  dynamic "instance_market_options" {
    for_each = var.worker_spot ? [1] : []
    content {
      market_type = "spot"
    }
  }

  # The worker learns the head's address and instance id here; its keys it makes at boot.
  user_data = base64encode(templatefile("${path.module}/templates/worker.sh.tftpl", {
    install          = local.install
    head_ip          = aws_instance.head.private_ip
    head_instance_id = aws_instance.head.id
    region           = var.region
    bucket           = aws_s3_bucket.artifacts.bucket
    slots            = var.worker_slots > 0 ? var.worker_slots : data.aws_ec2_instance_type.worker.default_vcpus
    env = trimspace(templatefile("${path.module}/templates/rung.env.tftpl", {
      head_ip   = aws_instance.head.private_ip
      head_port = var.head_port
      db_url    = "" # workers never open the store
      pgpass    = false
      bucket    = aws_s3_bucket.artifacts.bucket
      prefix    = local.prefix
      region    = var.region
    }))
  }))

  tag_specifications {
    resource_type = "instance"
    tags = {
      Name = "${var.name}-worker"
      Role = "rung-worker"
    }
  }
}

resource "aws_autoscaling_group" "workers" {
  name                = local.worker_asg
  min_size            = var.worker_min
  max_size            = var.worker_max
  desired_capacity    = var.worker_desired
  vpc_zone_identifier = local.subnet_ids
  health_check_type   = "EC2"

  launch_template {
    id      = aws_launch_template.worker.id
    version = aws_launch_template.worker.latest_version
  }

  # A new launch template (e.g. a replaced head) replaces workers gradually; rung re-runs the
  # trials of a worker that leaves.
  instance_refresh {
    strategy = "Rolling"
    preferences {
      min_healthy_percentage = 50
    }
  }

  tag {
    key                 = "Name"
    value               = "${var.name}-worker"
    propagate_at_launch = true
  }

  lifecycle {
    precondition {
      condition     = var.worker_min <= var.worker_desired && var.worker_desired <= var.worker_max
      error_message = "worker_desired must be between worker_min and worker_max."
    }
  }
}
