package dev.mesh4j.api.config;

import org.jspecify.annotations.Nullable;

/**
 * Rewrites applied before forwarding ({@code HTTPRewrite}).
 *
 * @param uri replaces the matched prefix (for a {@code prefix} match) or the whole path
 * @param authority replaces the {@code Host}/authority
 * @param uriRegexRewrite replaces the parts of the path matching a regex
 */
public record HttpRewrite(
    @Nullable String uri, @Nullable String authority, @Nullable RegexRewrite uriRegexRewrite) {}
