package dev.pipeline.api.token;

import java.time.Duration;

import dev.pipeline.api.UnavailableException;

/**
 * No valid token is known: it has never been read, or the last value read is older than
 * the grace period and SSM cannot be reached.
 */
public class TokenUnavailableException extends UnavailableException {

	TokenUnavailableException(Duration retryAfter) {
		super("token", "The token cannot be read from SSM now", retryAfter, null);
	}

}
