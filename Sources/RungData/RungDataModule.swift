/// Placeholder until the data pipeline lands.
public enum RungDataModule {}
