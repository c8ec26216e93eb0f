package dev.pipeline.api.web;

import java.io.IOException;

/**
 * The body could not be read to its end, e.g. the client went away.
 */
class UnreadableBodyException extends RuntimeException {

	UnreadableBodyException(IOException cause) {
		super("The body could not be read", cause);
	}

}
