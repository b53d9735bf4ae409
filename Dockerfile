# A small, non-root image of the gateway on a Java 25 runtime, started from an AOT cache.
# Build: docker build -t session-gateway .
# Try it against simulated providers, with demo keys and callers (docs/running.md):
#   docker run --rm -p 8080:8080 -e GATEWAY_SIMULATORS_ENABLED=true session-gateway
# The same image serves the simulators alone (docker-compose.yml): docker run session-gateway simulators
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src src
RUN ./mvnw -B -ntp -q -DskipTests -Dspring-javaformat.skip=true package \
 && java -Djarmode=tools -jar target/session-gateway.jar extract --layers --destination /extracted

FROM eclipse-temurin:25-jre
RUN groupadd --system --gid 10001 gateway \
 && useradd --system --uid 10001 --gid gateway --no-create-home gateway \
 && mkdir -p /app/data && chown gateway:gateway /app/data
WORKDIR /app
# The application jar and its libraries, as jars: the AOT cache below can only hold
# classes that come from jars.
COPY --from=build /extracted/dependencies/ ./
COPY --from=build /extracted/spring-boot-loader/ ./
COPY --from=build /extracted/snapshot-dependencies/ ./
COPY --from=build /extracted/application/ ./
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
# A training run: the gateway starts once, and the JVM keeps the classes it loaded and
# linked, with their profiles, in an AOT cache that every start maps (JDK 25, JEPs 483,
# 514 and 515), which halves the time to ready. It runs against the simulated providers,
# so that it needs no key, and the database it made is removed.
RUN env GATEWAY_SIMULATORS_ENABLED=true \
    java -XX:AOTCacheOutput=app.aot -Dspring.context.exit=onRefresh -jar session-gateway.jar \
 && rm -rf data/*
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["java", "-XX:AOTCache=app.aot", "-jar", "session-gateway.jar"]
