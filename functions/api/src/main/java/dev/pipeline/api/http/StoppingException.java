package dev.pipeline.api.http;

import java.time.Duration;

import dev.pipeline.api.UnavailableException;

/**
 * The server has been told to stop and takes no new request: the client should retry,
 * which a load balancer sends to another task.
 */
public class StoppingException extends UnavailableException {

	/**
	 * @param retryAfter when to come back: after this server stopped listening
	 */
	public StoppingException(Duration retryAfter) {
		super("stopping", "The server is stopping", retryAfter, null);
	}

}
