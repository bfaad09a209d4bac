output "head_private_ip" {
  description = "The head's private address (workers connect to it)."
  value       = aws_instance.head.private_ip
}

output "head_public_ip" {
  description = "The head's public address, if its subnet assigns one (SSH and the CLI from admin_cidr)."
  value       = aws_instance.head.public_ip
}

output "rung_head_endpoint" {
  description = "RUNG_HEAD for the CLI inside the VPC (or through an SSH tunnel)."
  value       = "tcp://${aws_instance.head.private_ip}:${var.head_port}"
}

output "artifacts_uri" {
  description = "RUNG_ARTIFACTS: data, trial artifacts and the registry."
  value       = "s3://${aws_s3_bucket.artifacts.bucket}/${local.prefix}"
}

output "head_public_key" {
  description = "Where the head publishes its CURVE public key: copy it into your own key directory to use the CLI (README.md, Keys)."
  value       = "s3://${aws_s3_bucket.artifacts.bucket}/keys/head.pub"
}

output "worker_keys" {
  description = "Where workers publish their CURVE public keys (<worker role id>:<instance id>.pub)."
  value       = "s3://${aws_s3_bucket.artifacts.bucket}/keys/authorized/"
}

output "bucket" {
  description = "The S3 bucket."
  value       = aws_s3_bucket.artifacts.bucket
}

output "worker_autoscaling_group" {
  description = "Scale with: aws autoscaling set-desired-capacity --auto-scaling-group-name <this> --desired-capacity N"
  value       = aws_autoscaling_group.workers.name
}

output "store" {
  description = "The store: SQLite on the head, or the RDS endpoint."
  value       = var.enable_postgres ? aws_db_instance.store[0].endpoint : "sqlite:/var/lib/rung/rung.db on the head"
}

output "ssh" {
  description = "How to reach the head."
  value       = var.ssh_key_name != "" ? "ssh admin@${coalesce(aws_instance.head.public_ip, aws_instance.head.private_ip)}" : "aws ssm start-session --target ${aws_instance.head.id}"
}
