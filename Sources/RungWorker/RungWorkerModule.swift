/// The worker library: see Worker.swift.
public enum RungWorkerModule {}
