package com.gputelemetry.operations.boundary;

import com.gputelemetry.Problem;
import com.gputelemetry.queue.boundary.MessageQueue;
import com.gputelemetry.queue.control.GroupStatus;
import com.gputelemetry.queue.control.QueueStatistics;
import com.gputelemetry.queue.control.QueueStatistics.GroupProgress;
import com.gputelemetry.queue.control.QueueStatistics.TopicStats;
import com.gputelemetry.queue.entity.DeadLetter;
import com.gputelemetry.telemetry.boundary.QueryParameters;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The queue's figures and controls for operators. */
@Path("queue")
@ApplicationScoped
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "queue", description = "The message queue: topics, consumer groups, dead letters")
public class QueueResource {

    private static final int MAX_WORKERS = 10;
    private static final int MAX_DEAD_LETTERS = 1000;

    @EJB
    MessageQueue queue;

    @EJB
    QueueStatistics statistics;

    @GET
    @Path("topics")
    @Operation(
            operationId = "listTopics",
            summary = "Topics and their partitions",
            description = "Per partition: headOffset (the offset the next record gets), oldestOffset (the oldest one "
                    + "retention has kept) and the records the log holds.")
    @APIResponse(
            responseCode = "200",
            description = "The topics",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "TopicList")))
    public Items<TopicStats> topics() {
        return new Items<>(statistics.topics());
    }

    @GET
    @Path("groups")
    @Operation(
            operationId = "listGroups",
            summary = "Consumer groups: committed offsets, lag, workers, redeliveries, dead letters",
            description = "Offsets and lag come from the database; workers and counters are this server's.")
    @APIResponse(
            responseCode = "200",
            description = "The groups",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "GroupList")))
    public Items<GroupView> groups() {
        List<GroupStatus> local = queue.groups();
        return new Items<>(statistics.groups().stream()
                .map(progress -> GroupView.of(
                        progress,
                        local.stream()
                                .filter(s -> s.group().equals(progress.group())
                                        && s.topic().equals(progress.topic()))
                                .findFirst()
                                .orElse(null)))
                .toList());
    }

    @PUT
    @Path("groups/{group}/workers")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "resizeGroupWorkers",
            summary = "Change a group's number of workers on this server (1-10)",
            description = "The partitions are shared out anew at once; nothing is lost or delivered twice. Not found "
                    + "(404) when the group is not subscribed to the topic on this server.")
    @APIResponse(
            responseCode = "200",
            description = "The group with its new workers",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "GroupStatus")))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @RequestBody(
            required = true,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "WorkerCount")))
    public GroupStatus resize(
            @PathParam("group") String group,
            @QueryParam("topic") @DefaultValue("telemetry") String topic,
            WorkerCount count) {
        if (count == null || count.workers() < 1 || count.workers() > MAX_WORKERS) {
            throw Problem.badParameter("workers", "workers must be from 1 to " + MAX_WORKERS);
        }
        return queue.resize(group, topic, count.workers())
                .orElseThrow(() -> Problem.notFound("group " + group + " is not subscribed to " + topic + " here"));
    }

    @GET
    @Path("dead-letters")
    @Operation(operationId = "listDeadLetters", summary = "Records a group gave up on, oldest first")
    @APIResponse(
            responseCode = "200",
            description = "Dead letters",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "DeadLetterList")))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    public Items<DeadLetter> deadLetters(
            @Parameter(description = "Only this group's") @QueryParam("group") String group,
            @Parameter(
                            description = "Most dead letters in the answer",
                            schema =
                                    @Schema(
                                            type = SchemaType.INTEGER,
                                            minimum = "1",
                                            maximum = "1000",
                                            defaultValue = "100"))
                    @QueryParam("limit")
                    @DefaultValue("100")
                    String limit) {
        return new Items<>(statistics.deadLetters(group, QueryParameters.limit(limit, MAX_DEAD_LETTERS)));
    }

    @GET
    @Path("dead-letters/{id}")
    @Operation(
            operationId = "getDeadLetter",
            summary = "One dead letter with its payload, the record as it was in the log")
    @APIResponse(
            responseCode = "200",
            description = "The dead letter",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "DeadLetterDetail")))
    @APIResponse(responseCode = "404", ref = "NotFound")
    public DeadLetterDetail deadLetter(@Parameter(ref = "deadLetterId") @PathParam("id") long id) {
        DeadLetter letter = known(id);
        return new DeadLetterDetail(letter, letter.payload());
    }

    @POST
    @Path("dead-letters/{id}/replay")
    @Operation(
            operationId = "replayDeadLetter",
            summary = "Hand a dead letter to its group again",
            description = "Only its own group sees it again. On success it is removed from the dead letters; when the "
                    + "group's listener fails again it stays (409). Not found (404) also when its group is not "
                    + "subscribed on this server.")
    @APIResponse(responseCode = "204", description = "Processed and removed")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    public Response replay(@Parameter(ref = "deadLetterId") @PathParam("id") long id) {
        DeadLetter letter = known(id);
        try {
            if (!queue.replay(id, letter.getGroup(), letter.getTopic())) {
                throw Problem.notFound("group " + letter.getGroup() + " is not subscribed here");
            }
        } catch (EJBException e) {
            return new Problem("about:blank", "Conflict", 409, "the listener failed again: " + e.getMessage(), null)
                    .toResponse()
                    .build();
        }
        return Response.noContent().build();
    }

    private DeadLetter known(long id) {
        DeadLetter letter = statistics.deadLetter(id);
        if (letter == null) {
            throw Problem.notFound("no dead letter " + id);
        }
        return letter;
    }

    /** A listing. */
    public record Items<T>(List<T> items) {}

    /** A dead letter and the payload a listing leaves out. */
    public record DeadLetterDetail(DeadLetter letter, String payload) {}

    /** The body of a worker-count change. */
    public record WorkerCount(int workers) {}

    /** A group's progress from the database with this server's workers and counters (null when not here). */
    public record GroupView(
            String group,
            String topic,
            long lag,
            long deadLetters,
            Integer workers,
            Long delivered,
            Long redeliveries,
            List<QueueStatistics.PartitionProgress> partitions) {

        static GroupView of(GroupProgress progress, GroupStatus local) {
            return new GroupView(
                    progress.group(),
                    progress.topic(),
                    progress.lag(),
                    progress.deadLetters(),
                    local == null ? null : local.workers(),
                    local == null ? null : local.delivered(),
                    local == null ? null : local.redeliveries(),
                    progress.partitions());
        }
    }
}
