# Optional PostgreSQL store (enable_postgres = true): reachable from the head only. RDS keeps
# the password in Secrets Manager; the head reads it at boot (nothing secret in user data).
resource "aws_db_subnet_group" "store" {
  count      = var.enable_postgres ? 1 : 0
  name       = "${var.name}-store"
  subnet_ids = local.subnet_ids
}

resource "aws_security_group" "db" {
  count       = var.enable_postgres ? 1 : 0
  name        = "${var.name}-store"
  description = "rung store: PostgreSQL from the head only"
  vpc_id      = local.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "db_from_head" {
  count                        = var.enable_postgres ? 1 : 0
  security_group_id            = aws_security_group.db[0].id
  description                  = "PostgreSQL from the rung head"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.head.id
}

resource "aws_db_instance" "store" {
  count                       = var.enable_postgres ? 1 : 0
  identifier                  = "${var.name}-store"
  engine                      = "postgres"
  engine_version              = "15"
  instance_class              = var.postgres_instance_class
  allocated_storage           = var.postgres_storage_gb
  storage_type                = "gp3"
  storage_encrypted           = true
  db_name                     = "rung"
  username                    = "rung"
  manage_master_user_password = true
  db_subnet_group_name        = aws_db_subnet_group.store[0].name
  vpc_security_group_ids      = [aws_security_group.db[0].id]
  publicly_accessible         = false
  backup_retention_period     = 7
  auto_minor_version_upgrade  = true
  deletion_protection         = false
  skip_final_snapshot         = false
  final_snapshot_identifier   = "${var.name}-store-final"
}
