package dev.pipeline.api.http;

import java.time.Duration;

import dev.pipeline.api.UnavailableException;

/**
 * The server has been told to stop and takes no new request: the client should retry,
 * which a load balancer sends to another task.
 */
public class StoppingException extends UnavailableException {

	public StoppingException() {
		super("stopping", "The server is stopping", Duration.ofSeconds(1), null);
	}

}
