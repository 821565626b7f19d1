package dev.seedbox.provisioning.http;

/** A provider's error body, read into its code (or id) and its message. */
public record ProviderError(String code, String message) {}
