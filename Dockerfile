# A small, non-root image of the gateway on a Java 25 runtime, started from an AOT cache.
# Build: docker build -t session-gateway .
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
# 514 and 515), which halves the time to ready. The keys and client are stand-ins for this
# run alone, and the database it made is removed.
RUN env GATEWAY_PATHORS_API_KEY=dk_training_stand_in_not_a_key GATEWAY_KONPRO_API_KEY=training-stand-in-not-a-key \
    GATEWAY_CLIENTS_0_NAME=training GATEWAY_CLIENTS_0_ROLES=ops \
    GATEWAY_CLIENTS_0_KEY_SHA256=0000000000000000000000000000000000000000000000000000000000000000 \
    java -XX:AOTCacheOutput=app.aot -Dspring.context.exit=onRefresh -jar session-gateway.jar \
 && rm -rf data/*
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["java", "-XX:AOTCache=app.aot", "-jar", "session-gateway.jar"]
