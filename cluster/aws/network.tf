data "aws_vpc" "default" {
  count   = var.vpc_id == "" ? 1 : 0
  default = true
}

locals {
  vpc_id = var.vpc_id != "" ? var.vpc_id : data.aws_vpc.default[0].id
}

data "aws_subnets" "vpc" {
  filter {
    name   = "vpc-id"
    values = [local.vpc_id]
  }
}

locals {
  subnet_ids = length(var.subnet_ids) > 0 ? var.subnet_ids : sort(data.aws_subnets.vpc.ids)
}

data "aws_ami" "debian12" {
  count       = var.ami_id == "" ? 1 : 0
  most_recent = true
  owners      = ["136693071363"] # Debian's official AWS account

  filter {
    name   = "name"
    values = ["debian-12-amd64-*"]
  }

  filter {
    name   = "architecture"
    values = ["x86_64"]
  }
}

locals {
  ami_id = var.ami_id != "" ? var.ami_id : data.aws_ami.debian12[0].id
}

# The head: the ZeroMQ port is open to the workers' security group and the admin CIDR only.
resource "aws_security_group" "head" {
  name        = "${var.name}-head"
  description = "rung head: ZeroMQ from workers and admins, SSH from admins"
  vpc_id      = local.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "head_zmq_workers" {
  security_group_id            = aws_security_group.head.id
  description                  = "rung workers connect to the head"
  ip_protocol                  = "tcp"
  from_port                    = var.head_port
  to_port                      = var.head_port
  referenced_security_group_id = aws_security_group.worker.id
}

resource "aws_vpc_security_group_ingress_rule" "head_zmq_admin" {
  security_group_id = aws_security_group.head.id
  description       = "rung CLI (sweep submit, top, workers) from the admin network"
  ip_protocol       = "tcp"
  from_port         = var.head_port
  to_port           = var.head_port
  cidr_ipv4         = var.admin_cidr
}

resource "aws_vpc_security_group_ingress_rule" "head_ssh_admin" {
  security_group_id = aws_security_group.head.id
  description       = "SSH from the admin network"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = var.admin_cidr
}

resource "aws_vpc_security_group_egress_rule" "head_all" {
  security_group_id = aws_security_group.head.id
  description       = "packages, S3, the store"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

# Workers accept no inbound connections: they dial the head.
resource "aws_security_group" "worker" {
  name        = "${var.name}-worker"
  description = "rung workers: outbound only"
  vpc_id      = local.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "worker_all" {
  security_group_id = aws_security_group.worker.id
  description       = "the head, packages, S3"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}
