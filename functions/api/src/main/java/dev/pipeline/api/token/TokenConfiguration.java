package dev.pipeline.api.token;

import java.time.Clock;

import dev.pipeline.api.ApiProperties;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import software.amazon.awssdk.services.ssm.SsmClient;

@Configuration(proxyBeanMethods = false)
class TokenConfiguration {

	@Bean
	TokenVerifier tokenVerifier(SsmClient ssm, ApiProperties properties, Clock clock, MeterRegistry meters) {
		ApiProperties.Token token = properties.token();
		return new TokenVerifier(new SsmTokenSource(ssm, token.parameter()), clock, token.ttl(), token.grace(),
				token.cooldown(), meters);
	}

}
