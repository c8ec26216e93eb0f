package dev.pipeline.api.queue;

import java.time.Duration;

import dev.pipeline.api.UnavailableException;

/**
 * The queue could not be found or refused the message; nothing was accepted.
 */
public class QueueUnavailableException extends UnavailableException {

	QueueUnavailableException(String message, Throwable cause) {
		super("queue", message, Duration.ofSeconds(1), cause);
	}

}
