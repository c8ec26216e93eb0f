package dev.pipeline.api;

import org.springframework.context.SmartLifecycle;

/**
 * Lifecycle phases of what requests need. Spring stops higher phases first: Boot's
 * graceful web-server shutdown runs at {@code DEFAULT_PHASE - 1024} and the server stops
 * at {@code DEFAULT_PHASE - 2048}. The queue sender and the token cache sit below both,
 * so on SIGTERM the server drains first and they stop last; they also start before the
 * server takes requests. The drain window sits above the graceful shutdown: for
 * {@code INGEST_SHUTDOWN_DRAIN} the port stays open and new requests get 503 with
 * {@code Retry-After} and {@code Connection: close}, then the server shuts down
 * gracefully.
 */
public final class Phases {

	/** The phase of the queue sender and the token cache. */
	public static final int REQUEST_DEPENDENCIES = SmartLifecycle.DEFAULT_PHASE - 4096;

	/** The phase of the drain window, which stops before the graceful shutdown. */
	public static final int DRAIN = SmartLifecycle.DEFAULT_PHASE - 512;

	private Phases() {
	}

}
