package dev.pipeline.worker.web;

import java.util.Map;

import dev.pipeline.worker.listener.ListenerStarter;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Readiness: {@code UP} once the bucket and the queue were reached and polling started.
 * It calls no AWS API.
 */
@RestController
@ConditionalOnWebApplication
class HealthController {

	private final ListenerStarter listener;

	HealthController(ListenerStarter listener) {
		this.listener = listener;
	}

	@GetMapping(path = "/health", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, String>> health() {
		boolean ready = this.listener.isReady();
		return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
			.body(Map.of("status", ready ? "UP" : "DOWN"));
	}

}
