package dev.pipeline.api;

import org.springframework.context.SmartLifecycle;

/**
 * Lifecycle phases of what requests need. Spring stops higher phases first: Boot's
 * graceful web-server shutdown runs at {@code DEFAULT_PHASE - 1024} and the server stops
 * at {@code DEFAULT_PHASE - 2048}. The queue sender and the token cache sit below both,
 * so on SIGTERM the server drains first (new requests get 503 with {@code Retry-After})
 * and they stop last; they also start before the server takes requests.
 */
public final class Phases {

	/** The phase of the queue sender and the token cache. */
	public static final int REQUEST_DEPENDENCIES = SmartLifecycle.DEFAULT_PHASE - 4096;

	private Phases() {
	}

}
