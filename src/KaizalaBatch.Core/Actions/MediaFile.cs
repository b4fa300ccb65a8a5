namespace KaizalaBatch.Actions;

/// <summary>A local file that stands where the API takes a mediaResource string. The sender uploads it
/// (once per <see cref="ContentHash"/>) and puts the returned mediaResource at <see cref="JsonPath"/>.</summary>
/// <param name="JsonPath">Where in the request body the object <c>{ "file": ... }</c> stands, as a JSON Pointer
/// relative to the <c>actionBody</c> (for example <c>/mediaResource</c>, <c>/choices/1/image</c>).</param>
/// <param name="FullPath">The file's absolute path.</param>
/// <param name="ContentHash">Lower-case hex SHA-256 of the file's bytes.</param>
/// <param name="MimeType">The MIME type sent with the upload, from the extension.</param>
public sealed record MediaFile(string JsonPath, string FullPath, string ContentHash, string MimeType);
