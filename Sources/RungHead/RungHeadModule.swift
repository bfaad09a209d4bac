/// The head library: see Head.swift.
public enum RungHeadModule {}
