package dev.pipeline.api.web;

import java.util.Map;

import dev.pipeline.api.queue.QueuePublisher;
import dev.pipeline.api.token.TokenVerifier;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Readiness for the load balancer: {@code UP} once a valid token is known and the queue
 * has been found, {@code DOWN} from SIGTERM on. It calls no AWS API.
 */
@RestController
@ConditionalOnWebApplication
class HealthController {

	private static final Map<String, String> UP = Map.of("status", "UP");

	private static final Map<String, String> DOWN = Map.of("status", "DOWN");

	private final TokenVerifier tokens;

	private final QueuePublisher publisher;

	private final ShutdownDrain drain;

	HealthController(TokenVerifier tokens, QueuePublisher publisher, ShutdownDrain drain) {
		this.tokens = tokens;
		this.publisher = publisher;
		this.drain = drain;
	}

	@GetMapping(path = "/health", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, String>> health() {
		boolean ready = !this.drain.isDraining() && this.tokens.isReady() && this.publisher.isReady();
		return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(ready ? UP : DOWN);
	}

}
