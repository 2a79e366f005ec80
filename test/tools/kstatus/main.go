// kstatus-classify: reads a JSON array of Kubernetes objects on stdin and prints, as a JSON array in the same
// order, the status sigs.k8s.io/cli-utils' kstatus library computes for each (the rules Flux, kpt and
// cli-utils-based tools apply when they wait for a resource). Test tooling only: the operator never runs it.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

type result struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

func main() {
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kstatus-classify: reading stdin:", err)
		os.Exit(2)
	}
	// apimachinery's decoder turns whole numbers into int64, as the API machinery does (encoding/json would give
	// float64, which unstructured accessors refuse for metadata.generation).
	var objs []interface{}
	if err := utiljson.Unmarshal(data, &objs); err != nil {
		fmt.Fprintln(os.Stderr, "kstatus-classify: parsing objects:", err)
		os.Exit(2)
	}
	out := make([]result, 0, len(objs))
	for i, v := range objs {
		o, ok := v.(map[string]interface{})
		if !ok {
			fmt.Fprintf(os.Stderr, "kstatus-classify: object %d is not a JSON object\n", i)
			os.Exit(2)
		}
		res, err := status.Compute(&unstructured.Unstructured{Object: o})
		if err != nil {
			fmt.Fprintf(os.Stderr, "kstatus-classify: object %d: %v\n", i, err)
			os.Exit(1)
		}
		out = append(out, result{Status: res.Status.String(), Message: res.Message})
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "kstatus-classify:", err)
		os.Exit(1)
	}
}
