package web

import (
	"net/http"
	"sort"
	"time"

	"github.com/chatalott/chatalott/deals"
	"github.com/chatalott/chatalott/followups"
	"github.com/chatalott/chatalott/timeline"
)

// recentActivityCount is the number of timeline entries the dashboard
// shows.
const recentActivityCount = 15

// maxChartCurrencies is the number of currencies the dashboard draws a
// chart for, those with the largest open value first; the table lists all.
const maxChartCurrencies = 3

type dashboardData struct {
	Today    []followups.FollowUp
	Overdue  []followups.FollowUp
	Charts   []pipelineChart
	Rows     []chartTableRow
	Recent   []timeline.Entry
	Location *time.Location
	Now      time.Time
}

// pipelineChart is a horizontal bar chart of the value per stage in one
// currency, laid out here so the template only places numbers. Each bar
// carries its stage name and amount as text and a hatch pattern, so the
// chart reads without colour.
type pipelineChart struct {
	ID       string
	Currency string
	Width    int
	Height   int
	Bars     []chartBar
	// Desc summarises the chart for screen readers.
	Desc string
}

type chartBar struct {
	Label  string
	Value  string
	Y      int
	Width  int
	TextX  int
	LabelY int
}

// chartTableRow is one row of the data table that is the chart's text
// alternative: a stage with its count and a total per currency.
type chartTableRow struct {
	Stage  string
	Count  int
	Totals []deals.Total
}

// Chart geometry, in SVG user units (CSS pixels at 100 %).
const (
	chartWidth      = 640
	chartLabelWidth = 150
	chartBarHeight  = 22
	chartRowGap     = 10
	chartValueRoom  = 140
)

func buildCharts(board *deals.Board) ([]pipelineChart, []chartTableRow) {
	rows := make([]chartTableRow, 0, len(board.Columns))
	sums := map[string]int64{}
	for _, col := range board.Columns {
		rows = append(rows, chartTableRow{Stage: col.Stage.Name, Count: col.Count, Totals: col.Totals})
		for _, t := range col.Totals {
			sums[t.Currency] += t.Amount
		}
	}
	currencies := make([]string, 0, len(sums))
	for c := range sums {
		currencies = append(currencies, c)
	}
	sort.Slice(currencies, func(i, j int) bool {
		if sums[currencies[i]] != sums[currencies[j]] {
			return sums[currencies[i]] > sums[currencies[j]]
		}
		return currencies[i] < currencies[j]
	})
	if len(currencies) > maxChartCurrencies {
		currencies = currencies[:maxChartCurrencies]
	}

	var charts []pipelineChart
	for _, cur := range currencies {
		chart := pipelineChart{ID: "pipeline-" + cur, Currency: cur, Width: chartWidth}
		var max int64
		amounts := make([]int64, len(board.Columns))
		for i, col := range board.Columns {
			for _, t := range col.Totals {
				if t.Currency == cur {
					amounts[i] = t.Amount
				}
			}
			if amounts[i] > max {
				max = amounts[i]
			}
		}
		room := chartWidth - chartLabelWidth - chartValueRoom
		for i, col := range board.Columns {
			w := 0
			if max > 0 {
				w = int(float64(amounts[i]) / float64(max) * float64(room))
			}
			if amounts[i] > 0 && w < 2 {
				w = 2
			}
			y := i * (chartBarHeight + chartRowGap)
			chart.Bars = append(chart.Bars, chartBar{Label: col.Stage.Name, Value: deals.FormatAmount(amounts[i], cur) + " " + cur,
				Y: y, Width: w, TextX: chartLabelWidth + w + 6, LabelY: y + chartBarHeight - 6})
		}
		chart.Height = len(board.Columns)*(chartBarHeight+chartRowGap) + chartRowGap
		chart.Desc = "Horizontal bars, one per stage, longer for a larger total value in " + cur +
			". The table below lists the same numbers."
		charts = append(charts, chart)
	}
	return charts, rows
}

func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) {
	ctx, scope := r.Context(), viewerFrom(r).Scope()
	data := dashboardData{Now: s.Now().UTC()}
	var err error
	if data.Location, err = s.FollowUps.Location(ctx, scope.UserID); err != nil {
		s.renderError(w, r, err)
		return
	}
	if data.Today, err = s.FollowUps.DueToday(ctx, scope); err != nil {
		s.renderError(w, r, err)
		return
	}
	if data.Overdue, err = s.FollowUps.Overdue(ctx, scope, scope.UserID); err != nil {
		s.renderError(w, r, err)
		return
	}
	board, err := s.Deals.Board(ctx, scope)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	data.Charts, data.Rows = buildCharts(board)
	if data.Recent, err = s.Timeline.Recent(ctx, scope, recentActivityCount); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "dashboard", page{Title: "Today", Notice: panelNoticeFrom(r), Data: data})
}

// localTime formats t in loc for a page, as "2026-03-01 09:30 CET".
func localTime(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}
