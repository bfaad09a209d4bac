variable "region" {
  description = "AWS region for every resource."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Name prefix of every resource (letters, digits and dashes)."
  type        = string
  default     = "rung"

  validation {
    condition     = can(regex("^[a-z0-9-]{1,20}$", var.name))
    error_message = "name must be 1-20 lowercase letters, digits or dashes."
  }
}

variable "vpc_id" {
  description = "VPC to use; empty uses the account's default VPC."
  type        = string
  default     = ""
}

variable "subnet_ids" {
  description = "Subnets for the head and workers; empty uses every subnet of the VPC. The head goes into the first."
  type        = list(string)
  default     = []
}

variable "ami_id" {
  description = "AMI for every instance; empty uses the latest official Debian 12 (bookworm) amd64 image."
  type        = string
  default     = ""
}

variable "head_instance_type" {
  description = "Instance type of the head (search, scheduling, store; little CPU)."
  type        = string
  default     = "t3.medium"
}

variable "worker_instance_type" {
  description = "Instance type of the workers (training: compute-optimised)."
  type        = string
  default     = "c6i.xlarge"
}

variable "worker_slots" {
  description = "Trials each worker runs at once (one core each); 0 means one per vCPU of worker_instance_type."
  type        = number
  default     = 0
}

variable "worker_min" {
  description = "Fewest workers the autoscaling group keeps."
  type        = number
  default     = 0
}

variable "worker_max" {
  description = "Most workers the autoscaling group may run."
  type        = number
  default     = 8
}

variable "worker_desired" {
  description = "Workers to start with (between worker_min and worker_max). Change it to scale: terraform apply -var worker_desired=N."
  type        = number
  default     = 2
}

variable "worker_spot" {
  description = "Run workers on Spot capacity (cheaper; rung re-runs the trials of a worker that is reclaimed)."
  type        = bool
  default     = false
}

variable "ssh_key_name" {
  description = "Name of an existing EC2 key pair for SSH; empty disables key-based SSH (use SSM Session Manager)."
  type        = string
  default     = ""
}

variable "admin_cidr" {
  description = "CIDR allowed to reach the head over SSH and the rung CLI port, e.g. your office's 203.0.113.0/24."
  type        = string

  validation {
    condition     = can(cidrhost(var.admin_cidr, 0)) && var.admin_cidr != "0.0.0.0/0"
    error_message = "admin_cidr must be a valid CIDR and not the whole internet."
  }
}

variable "head_port" {
  description = "The head's ZeroMQ port (workers and the CLI connect to it)."
  type        = number
  default     = 7770
}

variable "rung_git_url" {
  description = "Git repository rung is built from on each instance."
  type        = string
}

variable "rung_version" {
  description = "Git ref (tag, branch or commit) of rung to build."
  type        = string
  default     = "main"
}

variable "rung_release_url" {
  description = "Optional URL of a release tarball holding bin/rung (built for Debian 12 amd64); when set, instances download it instead of building from git."
  type        = string
  default     = ""
}

variable "bucket_name" {
  description = "S3 bucket for data, trial artifacts and the registry; empty uses <name>-artifacts-<account id>-<region>."
  type        = string
  default     = ""
}

variable "artifacts_prefix" {
  description = "Key prefix of rung's artifacts in the bucket (data/, trials/ and registry/ live under it)."
  type        = string
  default     = "rung"
}

variable "noncurrent_version_days" {
  description = "Days old object versions are kept before S3 deletes them."
  type        = number
  default     = 30
}

variable "head_volume_gb" {
  description = "Root volume of the head (store, prepared data cache, logs)."
  type        = number
  default     = 50
}

variable "worker_volume_gb" {
  description = "Root volume of each worker (build, data cache)."
  type        = number
  default     = 30
}

variable "nightly" {
  description = "Enable the rung-nightly.timer on the head (Config/nightly.yaml at 02:00)."
  type        = bool
  default     = true
}

variable "auto_authorize_workers" {
  description = "Let every instance of the worker autoscaling group in automatically: the head authorizes the CURVE keys workers publish under s3://<bucket>/keys/authorized/ (see README.md, Keys). false: an administrator authorizes each key."
  type        = bool
  default     = true
}

variable "enable_postgres" {
  description = "Create a PostgreSQL (RDS) store instead of SQLite on the head's disk."
  type        = bool
  default     = false
}

variable "postgres_instance_class" {
  description = "RDS instance class when enable_postgres is true."
  type        = string
  default     = "db.t4g.micro"
}

variable "postgres_storage_gb" {
  description = "RDS storage when enable_postgres is true."
  type        = number
  default     = 20
}

variable "force_destroy_bucket" {
  description = "Let terraform destroy delete the bucket with everything in it (all versions). Keep false for real data."
  type        = bool
  default     = false
}
