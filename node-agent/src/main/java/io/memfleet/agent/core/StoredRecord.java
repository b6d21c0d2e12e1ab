package io.memfleet.agent.core;

/** A record read back from the snapshot topic: its key, its value (null: a tombstone) and offset. */
public record StoredRecord(String key, byte[] value, long offset) { }
