/** Ordinary Go code for generated services: handlers and data access with no calls out. */

const NOUNS = [
  'account', 'balance', 'payment', 'entry', 'card', 'user', 'session', 'token', 'limit',
  'amount', 'currency', 'merchant', 'status', 'reason', 'source', 'target', 'batch', 'transfer',
]; // prettier-ignore

export function pascal(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** A file of `functions` functions (about 11 lines each) and a type, in package `pkg`. */
export function fillerFile(random: () => number, pkg: string, functions: number): string {
  const pick = () => NOUNS[Math.floor(random() * NOUNS.length)] ?? 'item';
  const type = pascal(pick());
  let text = `package ${pkg}

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/monzo/slog"
	"github.com/monzo/terrors"
)

// ${type}Record is one stored ${type.toLowerCase()}.
type ${type}Record struct {
	ID        string \`json:"id"\`
	AccountID string \`json:"account_id"\`
	Amount    int64  \`json:"amount"\`
	Currency  string \`json:"currency"\`
	Status    string \`json:"status"\`
	Created   time.Time
	Entries   []${type}Record
}
`;
  for (let i = 0; i < functions; i++) {
    const a = pick();
    const b = pick();
    const name = `${a}${pascal(b)}${i}`;
    switch (i % 3) {
      case 0:
        text += `
// handle${pascal(name)} reads the ${a} and sums its ${b} entries.
func handle${pascal(name)}(ctx context.Context, id string) (*${type}Record, error) {
	if id == "" {
		return nil, terrors.BadRequest("missing_${a}", "${a} id is required", nil)
	}
	record, err := read${pascal(a)}(ctx, id)
	if err != nil {
		slog.Error(ctx, "Failed to read ${a} %s: %v", id, err)
		return nil, terrors.Augment(err, "failed to read ${a}", map[string]string{"id": id})
	}
	var total int64
	for _, entry := range record.Entries {
		if entry.Amount > ${Math.floor(random() * 1000)} && strings.HasPrefix(entry.Currency, "GB") {
			total += entry.Amount
		}
	}
	record.Amount = total
	return record, nil
}
`;
        break;
      case 1:
        text += `
func validate${pascal(name)}(record *${type}Record) error {
	switch record.Status {
	case "active", "pending":
		return nil
	case "closed":
		return fmt.Errorf("${a} %s is closed", record.ID)
	default:
		return terrors.PreconditionFailed("bad_status", "unexpected status "+record.Status, nil)
	}
}
`;
        break;
      default:
        text += `
func read${pascal(a)}(ctx context.Context, id string) (*${type}Record, error) {
	started := time.Now()
	defer func() {
		slog.Debug(ctx, "read ${a} in %v", time.Since(started))
	}()
	record := &${type}Record{ID: id, Created: started.UTC(), Status: "active"}
	if err := validate${pascal(name)}(record); err != nil {
		return nil, err
	}
	return record, nil
}
`;
    }
  }
  return text;
}
