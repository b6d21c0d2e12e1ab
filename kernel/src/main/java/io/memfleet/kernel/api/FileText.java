package io.memfleet.kernel.api;

/** A file's path and its contents as the kernel prints them. */
public record FileText(String path, String content) { }
