package dev.pipeline.api.http;

import java.io.IOException;

/**
 * The body could not be read to its end, e.g. the client went away.
 */
public class UnreadableBodyException extends RuntimeException {

	UnreadableBodyException(IOException cause) {
		super("The body could not be read", cause);
	}

}
