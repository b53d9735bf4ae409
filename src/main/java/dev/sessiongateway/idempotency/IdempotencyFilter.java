package dev.sessiongateway.idempotency;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

import dev.sessiongateway.tracking.IdempotencyKeys;

/**
 * Keeps the answer of every request that holds an idempotency key, whatever it is: the
 * provider's reply, or a problem the gateway made after the provider may have acted (a
 * timeout, an unreadable reply). The answer is kept before the caller is sent it, so that
 * a caller who got it never retries into a lost answer; a caller that gave up waiting
 * finds it kept all the same. Requests without the header pass untouched.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE - 10)
class IdempotencyFilter extends OncePerRequestFilter {

	private static final Logger log = LoggerFactory.getLogger(IdempotencyFilter.class);

	private final IdempotentCreates creates;

	private final IdempotencyKeys keys;

	IdempotencyFilter(IdempotentCreates creates, IdempotencyKeys keys) {
		this.creates = creates;
		this.keys = keys;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return request.getHeader(IdempotentCreates.HEADER) == null || this.creates.seal() == null;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		ContentCachingResponseWrapper answer = new ContentCachingResponseWrapper(response);
		chain.doFilter(request, answer);
		if (request.getAttribute(IdempotentCreates.HELD) instanceof IdempotentCreates.Held held) {
			keep(held, answer);
		}
		answer.copyBodyToResponse();
	}

	/**
	 * Stores the answer, encrypted. One that cannot be stored is still sent: a retry
	 * finds the key in flight, then its answer lost.
	 */
	private void keep(IdempotentCreates.Held held, ContentCachingResponseWrapper answer) {
		AnswerSeal seal = this.creates.seal();
		if (seal == null) {
			return;
		}
		try {
			byte[] stored = seal.seal(stored(answer).bytes(), held.client(), held.claim().key());
			this.keys.answer(held.client(), held.claim(), stored);
		}
		catch (RuntimeException ex) {
			log.warn("The answer to a create of client {} could not be kept with its idempotency key: {}",
					held.client(), ex.getMessage());
		}
	}

	private static StoredAnswer stored(ContentCachingResponseWrapper answer) {
		List<StoredAnswer.Header> headers = new ArrayList<>();
		if (answer.getContentType() != null) {
			headers.add(new StoredAnswer.Header(HttpHeaders.CONTENT_TYPE, answer.getContentType()));
		}
		for (String name : StoredAnswer.KEPT) {
			if (!name.equals(HttpHeaders.CONTENT_TYPE)) {
				answer.getHeaders(name).forEach((value) -> headers.add(new StoredAnswer.Header(name, value)));
			}
		}
		return new StoredAnswer(answer.getStatus(), headers, answer.getContentAsByteArray());
	}

}
