package dev.pipeline.api;

import java.time.Clock;

import dev.pipeline.core.ParentWatch;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The API service: the {@code ingest} function behind {@code POST /ingest}.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ApiApplication {

	public static void main(String[] args) {
		ConfigurableApplicationContext context = SpringApplication.run(ApiApplication.class, args);
		// Started by the local run: stop when the launcher is gone (ParentWatch).
		ParentWatch.startIfAsked(() -> System.exit(SpringApplication.exit(context)));
	}

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

}
