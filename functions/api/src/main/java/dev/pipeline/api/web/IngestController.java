package dev.pipeline.api.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import dev.pipeline.api.ApiProperties;
import dev.pipeline.api.ingest.IngestAccepted;
import dev.pipeline.api.ingest.IngestFunction;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.cloud.function.context.FunctionCatalog;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves the {@code ingest} function at {@code POST /ingest}. It only reads the body
 * within its limit, calls the function from the function catalog, and answers
 * {@code 202}; every rule lives in the function.
 */
@RestController
class IngestController {

	private final Function<byte[], IngestAccepted> ingest;

	private final long limit;

	IngestController(FunctionCatalog functions, ApiProperties properties) {
		this.ingest = Objects.requireNonNull(functions.lookup(Function.class, IngestFunction.NAME),
				"The function catalog has no 'ingest' function");
		this.limit = properties.body().limit().toBytes();
	}

	@PostMapping(path = "/ingest", consumes = { MediaType.APPLICATION_JSON_VALUE, "application/*+json" })
	ResponseEntity<IngestAccepted> ingest(HttpServletRequest request) {
		return ResponseEntity.accepted().body(this.ingest.apply(readBody(request)));
	}

	@RequestMapping(path = "/ingest", method = { RequestMethod.GET, RequestMethod.PUT, RequestMethod.PATCH,
			RequestMethod.DELETE, RequestMethod.OPTIONS })
	void otherMethods(HttpServletRequest request) throws HttpRequestMethodNotSupportedException {
		throw new HttpRequestMethodNotSupportedException(request.getMethod(), List.of("POST"));
	}

	private byte[] readBody(HttpServletRequest request) {
		if (request.getContentLengthLong() > this.limit) {
			throw new PayloadTooLargeException(this.limit);
		}
		try (InputStream in = request.getInputStream()) {
			byte[] body = in.readNBytes((int) this.limit + 1);
			if (body.length > this.limit) {
				throw new PayloadTooLargeException(this.limit);
			}
			return body;
		}
		catch (IOException ex) {
			throw new UnreadableBodyException(ex);
		}
	}

}
