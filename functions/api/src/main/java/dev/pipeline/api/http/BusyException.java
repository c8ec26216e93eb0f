package dev.pipeline.api.http;

import java.time.Duration;

import dev.pipeline.api.UnavailableException;

/**
 * Too many request bodies are held at once: the client should retry shortly.
 */
public class BusyException extends UnavailableException {

	BusyException() {
		super("busy", "The API holds as many request bodies as its memory allows", Duration.ofSeconds(1), null);
	}

}
