namespace KaizalaBatch.Emulator.Pipeline;

/// <summary>
/// Endpoint metadata of an API route (the inspection routes have none).
/// </summary>
/// <param name="Template">The route as the stats name it, e.g. <c>POST /v1/groups/{groupId}/actions</c>, whatever the endpoint generation.</param>
/// <param name="IsToken">The token call: it lives on the API root and never moves.</param>
/// <param name="Generation">0 for the original endpoint, 1 for the one it moves to.</param>
/// <param name="IsActionPost">Sending an Action: the only call the accept-drop fault hits.</param>
internal sealed record ApiRoute(string Template, bool IsToken, int Generation, bool IsActionPost);
