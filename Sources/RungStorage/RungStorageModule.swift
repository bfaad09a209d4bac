/// Placeholder until the storage layer lands.
public enum RungStorageModule {}
