using System.Collections.Immutable;
using System.Globalization;
using Microsoft.VisualBasic.FileIO;
using SelfDissonance.Tasks;

namespace SelfDissonance.Client.Cluster;

/// <summary>
/// A bootstrap as CSV: a header with every feature, a <c>label</c> column and a <c>split</c> column whose values are
/// <c>train</c> or <c>golden</c>. Quoted fields follow RFC 4180 (the BCL's TextFieldParser).
/// </summary>
internal static class CsvBootstrapReader
{
    public static (ImmutableArray<LabeledExample> Training, ImmutableArray<LabeledExample> Golden) Read(Stream body, TaskDefinition task)
    {
        using var parser = new TextFieldParser(body) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = true };
        parser.SetDelimiters(",");
        string[]? header;
        try
        {
            header = parser.ReadFields();
        }
        catch (MalformedLineException e)
        {
            throw Invalid($"Line {e.LineNumber} is not valid CSV.");
        }

        if (header is null)
        {
            throw Invalid("The CSV is empty; the first line must be a header.");
        }

        var columns = header.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);
        if (columns.Count != header.Length)
        {
            throw Invalid("The header repeats a column name.");
        }

        var unknown = header.Where(h => h is not ("label" or "split") && !task.Features.Contains(h)).ToList();
        var missing = task.Features.Where(f => !columns.ContainsKey(f)).Concat(new[] { "label", "split" }.Where(c => !columns.ContainsKey(c))).ToList();
        if (unknown.Count > 0 || missing.Count > 0)
        {
            throw Invalid($"The header must hold exactly the task's features plus 'label' and 'split'.{(missing.Count > 0 ? $" Missing: {string.Join(", ", missing)}." : "")}{(unknown.Count > 0 ? $" Unknown: {string.Join(", ", unknown.Select(Ids.Printable))}." : "")}");
        }

        var featureColumns = task.Features.Select(f => columns[f]).ToArray();
        int labelColumn = columns["label"], splitColumn = columns["split"];
        var training = ImmutableArray.CreateBuilder<LabeledExample>();
        var golden = ImmutableArray.CreateBuilder<LabeledExample>();
        while (!parser.EndOfData)
        {
            string[]? fields;
            try
            {
                fields = parser.ReadFields();
            }
            catch (MalformedLineException e)
            {
                throw Invalid($"Line {e.LineNumber} is not valid CSV.");
            }

            var line = parser.LineNumber < 0 ? "last" : (parser.LineNumber - 1).ToString(CultureInfo.InvariantCulture);
            if (fields is null || fields.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            if (fields.Length != header.Length)
            {
                throw Invalid($"Line {line} has {fields.Length} fields; the header has {header.Length}.");
            }

            var values = new float[featureColumns.Length];
            for (var i = 0; i < featureColumns.Length; i++)
            {
                var text = fields[featureColumns[i]];
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v) || Math.Abs(v) > float.MaxValue)
                {
                    throw Invalid($"Line {line}: '{Ids.Printable(text)}' in column '{task.Features[i]}' is not a finite number.");
                }

                values[i] = (float)v;
            }

            var label = task.ClassIndex(fields[labelColumn]);
            if (label < 0)
            {
                throw new DomainException(ReasonCodes.UnknownLabel, 400, "A row's label is not one of the task's classes.", $"Line {line}: '{Ids.Printable(fields[labelColumn])}' is not in [{string.Join(", ", task.Classes)}].");
            }

            var row = new LabeledExample(ImmutableArray.Create(values), label);
            switch (fields[splitColumn])
            {
                case "train":
                    training.Add(row);
                    break;
                case "golden":
                    golden.Add(row);
                    break;
                default:
                    throw Invalid($"Line {line}: split must be 'train' or 'golden', not '{Ids.Printable(fields[splitColumn])}'.");
            }
        }

        return (training.ToImmutable(), golden.ToImmutable());
    }

    private static DomainException Invalid(string detail) => DomainException.BadRequest(ReasonCodes.InvalidCsv, "The bootstrap CSV is invalid.", detail);
}
