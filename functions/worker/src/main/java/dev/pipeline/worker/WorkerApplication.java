package dev.pipeline.worker;

import java.time.Clock;

import dev.pipeline.core.ParentWatch;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The worker service: the {@code persist} function fed by an SQS listener.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WorkerApplication {

	public static void main(String[] args) {
		ConfigurableApplicationContext context = SpringApplication.run(WorkerApplication.class, args);
		// Started by the local run: stop when the launcher is gone (ParentWatch).
		ParentWatch.startIfAsked(() -> System.exit(SpringApplication.exit(context)));
	}

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

}
