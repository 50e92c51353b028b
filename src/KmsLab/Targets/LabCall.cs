using Amazon.Runtime;

namespace KmsLab.Targets;

/// <summary>
/// One successful call a lab's SDK client made, as the client saw it: the request it sent and the
/// response it returned to the learner's code (the same objects).
/// </summary>
/// <param name="Operation">The KMS operation, e.g. <c>ReEncrypt</c>.</param>
/// <param name="Principal">Who the client acts as: a lab principal's name or ARN, or the administrator.</param>
/// <param name="Request">The request the learner's code passed.</param>
/// <param name="Response">The response the client returned.</param>
internal sealed record LabCall(string Operation, string Principal, AmazonWebServiceRequest Request, AmazonWebServiceResponse Response);
