package dev.pipeline.api.web;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Installs the {@link ImmediateResultHandler} in Spring MVC's handler adapter.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class ImmediateResultConfiguration {

	@Bean
	static BeanPostProcessor immediateResults() {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof RequestMappingHandlerAdapter adapter) {
					ImmediateResultHandler.putFirst(adapter);
				}
				return bean;
			}

		};
	}

}
